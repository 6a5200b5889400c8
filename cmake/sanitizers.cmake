# CONVT_SANITIZE=ON: AddressSanitizer + UndefinedBehaviorSanitizer on every
# target, with UB reported as an error (the test run fails on the first one).
if(CONVT_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
