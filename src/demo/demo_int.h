/* demo_int.h - private to the demo generator (demo.c, demo_texts.c). */
#ifndef CX_DEMO_INT_H
#define CX_DEMO_INT_H

enum { L_EN, L_NB, L_TR, L_FA, L_RO, NLANG };

enum topic {
    TP_WAIT,
    TP_TRANSFER,
    TP_DELIVERY,
    TP_CRASH,
    TP_UPDATE,
    TP_DOUBLE,
    TP_REFUND,
    TP_PRICE,
    TP_SLOW,
    TP_PLAN,
    TP_EASY,
    TP_FRIENDLY,
    TP_FAST,
    TP_GOODAPP,
    TP_OK,
    TP_FOLLOWUP,
    NTOPIC
};

/* Several phrasings per topic and language; "{n}" takes a number. NULL
 * ends a shorter list. */
extern const char *const cx_demo_phrases[NTOPIC][NLANG][4];
extern const char *const cx_demo_search_terms[NLANG][5];
extern const char *const cx_demo_kb_articles[6];
extern const char *const cx_demo_web_pages[7];
extern const char *const cx_demo_app_screens[6];

#endif
