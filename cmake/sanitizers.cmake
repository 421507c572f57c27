# CHATGATE_SANITIZE="address;undefined" or "thread": applied to everything built.
if(CHATGATE_SANITIZE)
  string(REPLACE ";" "," _san "${CHATGATE_SANITIZE}")
  add_compile_options(-fsanitize=${_san} -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=${_san})
endif()
