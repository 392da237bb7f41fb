// A handler that goes round the services to the database: the layering check must refuse it.
#include "homeward/db/episodes.hpp"
