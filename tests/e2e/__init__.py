"""End-to-end tests of the widget in a real JupyterLab driven through headless Chromium."""
