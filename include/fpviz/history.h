#ifndef FPVIZ_HISTORY_H
#define FPVIZ_HISTORY_H
#endif
