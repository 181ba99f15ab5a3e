// Running code with the extension owner's rights (the trigger, the flush, the security-definer
// functions written in C++).
#pragma once

#include "pg/boundary/pg.h"

namespace leadroute::pg {

struct UserSwitch {
  Oid saved_user;
  int saved_context;
};
// Runs what follows with the extension owner's rights (restricted: no SET ROLE, no temp tables).
void switch_to_owner(UserSwitch* saved, Oid owner);
void restore_user(const UserSwitch* saved);

}  // namespace leadroute::pg
