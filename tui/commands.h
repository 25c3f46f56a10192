/* commands.h: one entry point per `kwscope` subcommand (private to tui/).
 *
 * Each command lives in its own file tui/cmd_NAME.c, parses its own options
 * and returns the process exit status: 0 success, 1 a runtime error (already
 * reported as one line on stderr), 2 a usage error. */
#ifndef TUI_COMMANDS_H
#define TUI_COMMANDS_H

int tui_cmd_dashboard(int argc, char **argv); /* kwscope [FILE] [--source ...] */
int tui_cmd_plot(int argc, char **argv);
int tui_cmd_features(int argc, char **argv);
int tui_cmd_model(int argc, char **argv);     /* kwscope model info ... */
int tui_cmd_board(int argc, char **argv);     /* kwscope board ... */
int tui_cmd_train(int argc, char **argv);
int tui_cmd_collect(int argc, char **argv);
int tui_cmd_record(int argc, char **argv);    /* kwscope record ... (capture) */
int tui_cmd_devices(int argc, char **argv);   /* kwscope devices */
int tui_cmd_classify(int argc, char **argv);  /* kwscope classify ... (models) */
int tui_cmd_bench(int argc, char **argv);     /* kwscope bench ... (models) */

/* bench --target m4 (bench_m4.c): the emulated board's stage table beside
 * the host's averages (us, preprocess/inference/postprocess). */
#include <stdbool.h>
#include <stdint.h>
int tui_bench_m4(const char *model, const int16_t *audio, int runs, const double host_avg_us[3],
                 bool json);

#endif
