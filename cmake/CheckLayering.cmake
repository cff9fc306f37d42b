# Layering rule (checked on every build): the libraries below the command-line
# layer neither link nor include CLI11, nor the CLI layer's headers. Their
# sources are scanned here, so an include that would compile (CLI11 sits on the
# system include path) still fails the build.
#   cmake -DROOTS="dir|dir" -P CheckLayering.cmake
string(REPLACE "|" ";" ROOTS "${ROOTS}")
foreach(root IN LISTS ROOTS)
  file(GLOB_RECURSE files "${root}/*.cpp" "${root}/*.hpp")
  foreach(f IN LISTS files)
    file(STRINGS "${f}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"](CLI/|s2f/tool\\.hpp|s2f/cli/)")
    if(lines)
      message(FATAL_ERROR "layering: ${f} includes the command-line layer (${lines}); "
                          "library code takes plain option structs — declare options in libcommon/cli/")
    endif()
  endforeach()
endforeach()

# The format layer takes provenance and output settings as values, not the
# running stage: nothing under FORMAT_ROOTS includes s2f/run.hpp.
string(REPLACE "|" ";" FORMAT_ROOTS "${FORMAT_ROOTS}")
foreach(root IN LISTS FORMAT_ROOTS)
  file(GLOB_RECURSE files "${root}/*.cpp" "${root}/*.hpp")
  foreach(f IN LISTS files)
    file(STRINGS "${f}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]s2f/run\\.hpp")
    if(lines)
      message(FATAL_ERROR "layering: ${f} includes s2f/run.hpp; the format layer takes provenance "
                          "(run.provenance()) and output settings as values")
    endif()
  endforeach()
endforeach()
