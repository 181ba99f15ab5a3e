#include "pg/boundary/owner.h"

namespace leadroute::pg {

void switch_to_owner(UserSwitch* saved, Oid owner) {
  GetUserIdAndSecContext(&saved->saved_user, &saved->saved_context);
  SetUserIdAndSecContext(
      owner, saved->saved_context | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
}

void restore_user(const UserSwitch* saved) {
  SetUserIdAndSecContext(saved->saved_user, saved->saved_context);
}

}  // namespace leadroute::pg
