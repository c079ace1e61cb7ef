#ifndef FPVIZ_REPL_H
#define FPVIZ_REPL_H
#endif
