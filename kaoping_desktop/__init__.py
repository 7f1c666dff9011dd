"""kaoping-desktop: offline monthly scoring of a county service center's windows."""

__version__ = "0.1.0"
APP_NAME = "kaoping-desktop"
