// A use case that reaches up into the API: the layering check must refuse it.
#include "homeward/api/router.hpp"
