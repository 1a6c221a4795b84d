# Run by `cmake --install` (plugin/CMakeLists.txt's install(CODE)), not at
# configure time: installs the plugin into the personal plugin folder of the
# user who runs the install,
#   <home>/.local/lib/wireshark/plugins/<major.minor>/<kind>/<plugin>.so
# where <home> is
#   - under sudo (root, with SUDO_USER another user): SUDO_USER's home, from
#     the password database, and what is made there is given to that user
#     (Wireshark loads no personal plugin as root: root's own folder would be
#     of no use to the one who typed sudo);
#   - otherwise $HOME, or the home of the running uid when HOME is unset.
# In: SPICECAP_INSTALL_PLUGIN (the built .so), SPICECAP_INSTALL_WS_VERSION
# (major.minor of the Wireshark built against), SPICECAP_INSTALL_KIND (epan
# for a dissector, wiretap for a file-type plugin; epan when unset),
# SPICECAP_INSTALL_BUILD_DIR
# (the top of the build tree). DESTDIR is honoured by
# file(INSTALL), and the installed file is listed in install_manifest.txt.

# Field 6 (the home) of a user's passwd entry, or "" when there is none.
function(spicecap_passwd_home user out)
  set(home "")
  execute_process(COMMAND getent passwd "${user}" OUTPUT_VARIABLE entry RESULT_VARIABLE rc
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(rc EQUAL 0 AND entry MATCHES "^[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:([^:]*):")
    set(home "${CMAKE_MATCH_1}")
  endif()
  set(${out} "${home}" PARENT_SCOPE)
endfunction()

# In a function, so that its variables stay out of cmake_install.cmake.
function(spicecap_install_personal)
  execute_process(COMMAND id -u OUTPUT_VARIABLE uid OUTPUT_STRIP_TRAILING_WHITESPACE)
  execute_process(COMMAND id -un OUTPUT_VARIABLE uname OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  set(home "")
  set(owner "")
  set(user "")
  if(uid STREQUAL "0" AND NOT "$ENV{SUDO_USER}" STREQUAL "" AND NOT "$ENV{SUDO_USER}" STREQUAL "root")
    set(user "$ENV{SUDO_USER}")
    spicecap_passwd_home("${user}" home)
    if(home STREQUAL "")
      message(FATAL_ERROR "spicecap: sudo was run by ${user}, who has no home in the password database; "
                          "give the folder with -DSPICECAP_PLUGIN_DIR=... when configuring")
    endif()
    if(NOT "$ENV{SUDO_UID}" STREQUAL "" AND NOT "$ENV{SUDO_GID}" STREQUAL "")
      set(owner "$ENV{SUDO_UID}:$ENV{SUDO_GID}")
    else()
      set(owner "${user}")
    endif()
  else()
    set(home "$ENV{HOME}")
    if(home STREQUAL "")
      spicecap_passwd_home("${uid}" home)
    endif()
    set(user "${uname} (uid ${uid})")
  endif()
  if(NOT IS_ABSOLUTE "${home}")
    message(FATAL_ERROR "spicecap: no home folder to install the plugin into (HOME is '${home}'); "
                        "set HOME, or configure with -DSPICECAP_PLUGIN_DIR=... or -DSPICECAP_SYSTEM_PLUGIN=ON")
  endif()

  set(kind "${SPICECAP_INSTALL_KIND}")
  if(kind STREQUAL "")
    set(kind epan)
  endif()
  set(folder "${home}/.local/lib/wireshark/plugins/${SPICECAP_INSTALL_WS_VERSION}/${kind}")
  message(STATUS "spicecap: the personal plugin folder of ${user}: ${folder}")

  # The folders that the install makes, to hand them to SUDO_USER afterwards.
  set(made "")
  if(owner)
    set(dir "$ENV{DESTDIR}${folder}")
    while(NOT EXISTS "${dir}" AND NOT dir STREQUAL "$ENV{DESTDIR}${home}")
      list(APPEND made "${dir}")
      get_filename_component(dir "${dir}" DIRECTORY)
    endwhile()
  endif()

  file(INSTALL DESTINATION "${folder}" TYPE MODULE FILES "${SPICECAP_INSTALL_PLUGIN}")
  # file(INSTALL) lists the file in this function's scope: install_manifest.txt
  # is written from the caller's.
  set(CMAKE_INSTALL_MANIFEST_FILES "${CMAKE_INSTALL_MANIFEST_FILES}" PARENT_SCOPE)

  # cmake --install ends by writing install_manifest.txt into the build
  # tree: a user installing from a tree that root (or another user) built
  # cannot, and cmake then fails after the plugin is in place.
  execute_process(COMMAND test -w "${SPICECAP_INSTALL_BUILD_DIR}" RESULT_VARIABLE writable)
  if(NOT writable EQUAL 0)
    message(STATUS "spicecap: ${SPICECAP_INSTALL_BUILD_DIR} is not writable by ${user}: cmake --install fails "
                   "after this, writing install_manifest.txt there (the plugin is in place all the same); "
                   "cmake -P ${SPICECAP_INSTALL_BUILD_DIR}/plugin/cmake_install.cmake installs it without that list")
  endif()

  if(owner)
    get_filename_component(name "${SPICECAP_INSTALL_PLUGIN}" NAME)
    execute_process(COMMAND chown "${owner}" "$ENV{DESTDIR}${folder}/${name}" ${made} RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "spicecap: cannot give ${folder}/${name} to ${owner}")
    endif()
  endif()
endfunction()

spicecap_install_personal()
