# cmake/install.cmake - what `cmake --install` (and so the package) puts
# where.  Included from the top CMakeLists.txt after the programs are defined.
#
# Installed names: shelf-indexer and shelf-searcher.  The build tree keeps
# build/indexer and build/searcher (the README's commands, the tests and CI
# use them), but on PATH plain `indexer` collides with Debian's
# sphinxsearch (/usr/bin/indexer and its man page), so what is installed is
# prefixed with the project's name.  The programs name themselves from
# argv[0] (common/util/progname.h), so the installed ones say shelf-indexer.
#
#   bin/shelf-indexer, bin/shelf-searcher          the programs
#   share/man/man1/shelf-{indexer,searcher}.1.gz   man pages (man/, roff)
#   share/bash-completion/completions/shelf-{indexer,searcher}
#                                                  completion/shelf.bash, once per
#                                                  name (bash-completion loads by name)
#   share/shelf/corpus/                            the sample shelf (indexer/sample_shelf.h)
#   libexec/shelf/shelf-helper                     the readers of untrusted files, run
#                                                  by the indexer (common/util/helperprog.h)
include(GNUInstallDirs)

install(PROGRAMS $<TARGET_FILE:shelf-helper> DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/shelf)
install(CODE "if(CMAKE_INSTALL_DO_STRIP)
  execute_process(COMMAND \"${CMAKE_STRIP}\"
    \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBEXECDIR}/shelf/shelf-helper\")
endif()")

foreach(prog indexer searcher)
  install(PROGRAMS $<TARGET_FILE:${prog}> DESTINATION ${CMAKE_INSTALL_BINDIR}
          RENAME shelf-${prog})
  # install(PROGRAMS) is never stripped by itself; `cmake --install --strip`
  # and CPack (CPACK_STRIP_FILES) set CMAKE_INSTALL_DO_STRIP.
  install(CODE "if(CMAKE_INSTALL_DO_STRIP)
    execute_process(COMMAND \"${CMAKE_STRIP}\"
      \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/shelf-${prog}\")
  endif()")

  # Man pages are kept as roff in man/ and installed gzipped, as Debian wants.
  set(page ${CMAKE_BINARY_DIR}/man/shelf-${prog}.1.gz)
  add_custom_command(OUTPUT ${page}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    COMMAND sh -c "gzip -9n -c \"$1\" > \"$2\"" sh ${CMAKE_SOURCE_DIR}/man/shelf-${prog}.1 ${page}
    DEPENDS ${CMAKE_SOURCE_DIR}/man/shelf-${prog}.1
    COMMENT "Compressing the man page of shelf-${prog}" VERBATIM)
  list(APPEND SHELF_MAN_PAGES ${page})
  install(FILES ${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

  install(FILES ${CMAKE_SOURCE_DIR}/completion/shelf.bash
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME shelf-${prog})
endforeach()
add_custom_target(man_pages ALL DEPENDS ${SHELF_MAN_PAGES})

install(DIRECTORY ${CMAKE_SOURCE_DIR}/corpus/ DESTINATION ${CMAKE_INSTALL_DATADIR}/shelf/corpus)
