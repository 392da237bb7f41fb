# Installs the web application's npm packages exactly as package-lock.json pins them, when
# node_modules is missing or older than the lockfile. WEB_DIR: the folder; NPM: the npm program.
set(installed "${WEB_DIR}/node_modules/.package-lock.json")
if(NOT EXISTS "${installed}" OR "${WEB_DIR}/package-lock.json" IS_NEWER_THAN "${installed}")
  message(STATUS "npm ci in ${WEB_DIR}")
  execute_process(COMMAND "${NPM}" ci --no-audit --no-fund --loglevel=error
                  WORKING_DIRECTORY "${WEB_DIR}" RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "npm ci failed in ${WEB_DIR}")
  endif()
endif()
