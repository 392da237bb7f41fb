// A pure layer that opens a file: the layering check must refuse it.
#include <fstream>
