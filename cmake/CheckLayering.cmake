# Layering rules, checked on every build (an include would compile anyway:
# CLI11 sits on the system include path):
#  - libraries below the command-line layer (ROOTS) neither include CLI11 nor
#    the CLI layer's headers;
#  - the format layer (FORMAT_ROOTS) takes provenance and output settings as
#    values, not the running stage: it does not include s2f/run.hpp.
#   cmake -DROOTS="dir|dir" -DFORMAT_ROOTS="dir" -P CheckLayering.cmake
function(s2f_forbid_includes roots pattern why)
  string(REPLACE "|" ";" roots "${roots}")
  foreach(root IN LISTS roots)
    file(GLOB_RECURSE files "${root}/*.cpp" "${root}/*.hpp")
    foreach(f IN LISTS files)
      file(STRINGS "${f}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"](${pattern})")
      if(lines)
        message(FATAL_ERROR "layering: ${f} includes ${lines}; ${why}")
      endif()
    endforeach()
  endforeach()
endfunction()

s2f_forbid_includes("${ROOTS}" "CLI/|s2f/tool\\.hpp|s2f/cli/"
  "library code takes plain option structs — declare options in libcommon/cli/")
s2f_forbid_includes("${FORMAT_ROOTS}" "s2f/run\\.hpp"
  "the format layer takes provenance (run.provenance()) and output settings as values")
