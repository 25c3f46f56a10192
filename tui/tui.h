/* tui.h: the top layer: canvas, views, ncurses and text backends, dashboard. */
#ifndef TUI_H
#define TUI_H
#endif
