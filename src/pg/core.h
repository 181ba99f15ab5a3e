// Every core header, included by pg.h before any PostgreSQL header (STYLE.md rule 7): once
// postgres.h is in, core headers refuse to compile.
#pragma once

#include "core/condition.h"
#include "core/condition_ast.h"
#include "core/condition_lexer.h"
#include "core/config.h"
#include "core/core_guard.h"
#include "core/domain.h"
#include "core/explain.h"
#include "core/fields.h"
#include "core/json.h"
#include "core/like.h"
#include "core/normalize.h"
#include "core/regex_pattern.h"
#include "core/router.h"
#include "core/text.h"
#include "core/value.h"
#include "core/working_hours.h"
#include "core/wrr.h"
