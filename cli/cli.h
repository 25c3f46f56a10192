/* cli.h: one entry point per `kwscope` subcommand (the dashboard itself is
 * dash_main, in dash/dash.h).
 *
 * Each command lives in its own file cli/cmd_NAME.c, parses its own options
 * and returns the process exit status: 0 success, 1 a runtime error (already
 * reported as one line on stderr), 2 a usage error. */
#ifndef CLI_H
#define CLI_H

int cli_cmd_plot(int argc, char **argv);
int cli_cmd_features(int argc, char **argv);
int cli_cmd_model(int argc, char **argv);     /* kwscope model info ... */
int cli_cmd_board(int argc, char **argv);     /* kwscope board ... */
int cli_cmd_train(int argc, char **argv);
int cli_cmd_collect(int argc, char **argv);
int cli_cmd_record(int argc, char **argv);    /* kwscope record ... (capture) */
int cli_cmd_devices(int argc, char **argv);   /* kwscope devices */
int cli_cmd_classify(int argc, char **argv);  /* kwscope classify ... (models) */
int cli_cmd_bench(int argc, char **argv);     /* kwscope bench ... (models) */

/* x as text that reads back as exactly x (9 significant digits, laid out
 * like printf's %.9g) into buf (at least CLI_FLOAT_CHARS bytes); returns
 * its length. Several times faster than printf (csv_float.c). */
#define CLI_FLOAT_CHARS 24
int cli_format_float(char *buf, float x);

#endif
