# cmake/package.cmake - the Debian package, made by CPack from what
# cmake/install.cmake installs:
#
#   cmake -S . -B build && cmake --build build -j2
#   (cd build && cpack -G DEB)            # build/shelf_VERSION_ARCH.deb
#   apt-get install ./build/shelf_*.deb
#
# Package name `shelf` (no Debian package has that name or installs
# shelf-indexer or shelf-searcher); version from project(); dependencies
# found by dpkg-shlibdeps (from dpkg-dev) on the installed programs; files
# under /usr.  tools/check-package builds, installs and tries it.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME shelf)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "shelf maintainers")
set(CPACK_PACKAGE_CONTACT "shelf maintainers <maintainers@users.noreply.h-seed-0cd855fc.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "full-text search for a shelf of reports")
set(CPACK_PACKAGE_DESCRIPTION
"shelf-indexer turns a folder of documents (plain text, Markdown, HTML and PDF)
into a compressed, checksummed inverted index; shelf-searcher answers keyword
queries over it with BM25 ranking, phrases, NEAR and prefixes, and shows where
each hit is (path, line, page, section) so that a passage can be checked and
cited. shelf-searcher --serve gives a search page and a JSON API.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(SHELF_HOMEPAGE "https://h-seed-0cd855fc.example/shelf" CACHE STRING
    "The Homepage field of the Debian package (a placeholder until the project has a public home)")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${SHELF_HOMEPAGE}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)

include(CPack)
