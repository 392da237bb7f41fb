// The database layer answering HTTP: the layering check must refuse it.
#include <boost/beast/http.hpp>
