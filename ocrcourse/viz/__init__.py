"""Figures for the lessons. `viz` functions return figures or arrays; they never train or mutate."""
from .augment import display_image, show_draws, show_op
from .curves import plot_history, plot_runs
from .diagram import draw_architecture, draw_fpgm, draw_tia
from .features import show_stage_features, stage_features
from .fonts import cjk_font_path, font_covers, use_cjk_font
from .maps import show_db_labels
from .ocr import draw_ocr, show_ocr
from .source import show_source, source_of
from .shapes import count_parameters, feature_shapes, show_feature_shapes
from .style import as_jpeg
