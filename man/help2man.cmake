# One manual page by help2man, run by man/CMakeLists.txt at build time:
#   cmake -DHELP2MAN=... -DTOOL=... -DNAME=... -DINCLUDE=... -DOUTPUT=... -P help2man.cmake
# The tool's --version minus its "Built with" paragraph is help2man's
# version text: which library versions a build saw is no part of a manual.
execute_process(COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0 ${TOOL} --version
                OUTPUT_VARIABLE version RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${TOOL} --version failed (${rc})")
endif()
string(REGEX REPLACE "\nBuilt with [^\n]*(\n[^\n]+)*\n\n" "\n" version "${version}")
# The sanitizers of the Asan build must not add a leak report to a page.
execute_process(COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0
                        ${HELP2MAN} --no-info --section=1 --name=${NAME} --include=${INCLUDE}
                        --version-string=${version} --output=${OUTPUT} ${TOOL}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed on ${TOOL} (${rc})")
endif()
