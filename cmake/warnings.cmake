# Warnings for every target of ours; CI builds with CONVT_WERROR=ON.
add_compile_options(-Wall -Wextra -Wshadow -Wnon-virtual-dtor)
if(CONVT_WERROR)
  add_compile_options(-Werror)
endif()
