# Writes a C++ source holding every db/migrations/NNNN_*.sql file, so the binary carries its
# schema and knows the newest version it understands. Run at configure time; the glob is
# re-checked on every build.
file(GLOB migration_files RELATIVE "${MIGRATIONS_DIR}" "${MIGRATIONS_DIR}/[0-9][0-9][0-9][0-9]_*.sql")
list(SORT migration_files)
set(entries "")
foreach(name IN LISTS migration_files)
  file(READ "${MIGRATIONS_DIR}/${name}" sql)
  string(SUBSTRING "${name}" 0 4 number)
  math(EXPR version "${number}")
  string(APPEND entries "    {${version}, \"${name}\", R\"homeward_sql(${sql})homeward_sql\"},\n")
endforeach()
set(content "// Generated from db/migrations by db/embed_migrations.cmake. Do not edit.
#include \"migration_list.hpp\"

namespace homeward::db {

const std::vector<migration>& embedded_migrations() {
  static const std::vector<migration> list{
${entries}  };
  return list;
}

} // namespace homeward::db
")
file(WRITE "${OUTPUT}.tmp" "${content}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
