/* svg.h - server-side SVG charts appended into a struct cx_html.
 *
 * Every chart is one <svg role="img"> with a <title> (and <desc> when given),
 * a viewBox and width="100%", so it scales to its container. All text is
 * escaped; NAN and infinite inputs are drawn as gaps or empty cells, never
 * printed. Series are told apart by colour (Okabe-Ito) and by dash pattern
 * and marker shape, so colour is never the only cue. Nothing is kept between
 * calls except a counter for unique marker ids; the functions are
 * thread-safe. */
#ifndef CX_SVG_H
#define CX_SVG_H

#include <stddef.h>

#include "http/html.h"

struct cx_svg_series {
    const char *name;
    size_t n;
    const double *y;
    const double *lo, *hi; /* NULL = no band; NAN = gap */
};

/* Line chart over n points with x labels (n strings, some may be "" to skip),
 * optional interval bands, legend; Okabe-Ito palette; <svg role="img"> with
 * <title>/<desc>. The y axis spans ymin..ymax (when both are finite and
 * ymin < ymax; otherwise a nice range around the data); n is the largest
 * series' n; yunit (may be NULL) labels the y axis. */
void cx_svg_line(struct cx_html *h, const char *title, const char *desc, const char *const *xlabels,
                 const struct cx_svg_series *s, size_t ns, double ymin, double ymax,
                 const char *yunit, int width, int height);
/* Small trend line without axes, for headline tiles. */
void cx_svg_spark(struct cx_html *h, const char *title, const double *y, size_t n, int width,
                  int height);
/* Horizontal bars with optional interval whiskers (lo/hi may be NULL). The
 * height follows from n; unit (may be NULL) follows each value. */
void cx_svg_bars(struct cx_html *h, const char *title, const char *desc, const char *const *labels,
                 const double *v, const double *lo, const double *hi, size_t n, const char *unit,
                 int width);
/* Heat map: nr × nc cells, v row-major (NAN = empty), cell_text shown in cells
 * (may be NULL: the value is shown), colour from vmin..vmax with a
 * colour-blind-safe sequential scale (light = better, dark = worse);
 * higher_is_better flips the scale. Cell text is black or white, whichever
 * contrasts more with the cell (always at least 4.5:1). */
void cx_svg_heat(struct cx_html *h, const char *title, const char *const *rows, size_t nr,
                 const char *const *cols, size_t nc, const double *v, const char *const *cell_text,
                 double vmin, double vmax, int higher_is_better);

#endif
