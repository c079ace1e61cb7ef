#ifndef FPVIZ_VIEW_H
#define FPVIZ_VIEW_H
#endif
