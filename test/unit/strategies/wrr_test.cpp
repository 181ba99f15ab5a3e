// Smooth weighted round-robin: integer weights, the schedule of one period, tickets to slots.
#include <gtest/gtest.h>

#include <map>
#include <numeric>
#include <vector>

#include "core/config/config.h"
#include "core/strategies/wrr.h"

namespace leadroute {
namespace {

std::vector<uint32_t> schedule_for(const std::vector<double>& weights) {
  return smooth_wrr_schedule(integer_weights(weights, 1000000));
}

// How often each member appears among `count` consecutive tickets starting at `first_ticket`.
std::map<uint32_t, int> picks(const std::vector<uint32_t>& schedule, int64_t first_ticket,
                              int count) {
  std::map<uint32_t, int> out;
  for (int64_t t = first_ticket; t < first_ticket + count; ++t)
    ++out[schedule[ticket_slot(t, schedule.size())]];
  return out;
}

TEST(Wrr, FiveOneOneIsSpreadOut) {
  // nginx's example: a a b a c a a.
  EXPECT_EQ(smooth_wrr_schedule({5, 1, 1}), (std::vector<uint32_t>{0, 0, 1, 0, 2, 0, 0}));
  EXPECT_EQ(schedule_for({5, 1, 1}), (std::vector<uint32_t>{0, 0, 1, 0, 2, 0, 0}));
}

TEST(Wrr, OneTwoOverAPeriodAndOverFiveLeads) {
  auto schedule = schedule_for({1, 2});
  ASSERT_EQ(schedule.size(), 3u);
  auto period = picks(schedule, 1, 3);
  EXPECT_EQ(period[0], 1);
  EXPECT_EQ(period[1], 2);
  auto five = picks(schedule, 1, 5);
  EXPECT_EQ(five[0], 2);
  EXPECT_EQ(five[1], 3);
}

TEST(Wrr, EqualWeightsRotateStrictly) {
  for (double w : {1.0, 2.5, 1000.0}) {
    auto schedule = schedule_for({w, w, w});
    EXPECT_EQ(schedule, (std::vector<uint32_t>{0, 1, 2})) << w;
  }
  auto schedule = schedule_for({1, 1, 1, 1});
  for (int64_t t = 1; t <= 12; ++t)
    EXPECT_EQ(schedule[ticket_slot(t, schedule.size())], static_cast<uint32_t>((t - 1) % 4)) << t;
}

TEST(Wrr, FractionalWeights) {
  EXPECT_EQ(integer_weights({0.5, 1.5}, 1000000), (std::vector<uint64_t>{1, 3}));
  auto counts = picks(schedule_for({0.5, 1.5}), 1, 4);
  EXPECT_EQ(counts[0], 1);
  EXPECT_EQ(counts[1], 3);
  // Honoured to 1/1000.
  EXPECT_EQ(integer_weights({1, 1.001}, 1000000), (std::vector<uint64_t>{1000, 1001}));
}

TEST(Wrr, WeightsAreReducedByTheirCommonDivisor) {
  EXPECT_EQ(integer_weights({2, 4, 6}, 1000000), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(integer_weights({7}, 1000000), (std::vector<uint64_t>{1}));
}

TEST(Wrr, EachMemberGetsExactlyItsWeightPerPeriod) {
  const std::vector<uint64_t> weights = {3, 7, 2, 5, 1};
  auto schedule = smooth_wrr_schedule(weights);
  ASSERT_EQ(schedule.size(), std::accumulate(weights.begin(), weights.end(), uint64_t{0}));
  // Any window of one full period, not just the first, holds each member's share.
  for (int64_t start = 1; start <= 20; ++start) {
    auto counts = picks(schedule, start, static_cast<int>(schedule.size()));
    for (uint32_t m = 0; m < weights.size(); ++m)
      EXPECT_EQ(counts[m], static_cast<int>(weights[m])) << "member " << m << " from " << start;
  }
}

TEST(Wrr, NoMemberWaitsLongerThanItsShareSuggests) {
  // Smoothness: a member of weight w out of total T is never absent for more than ~T/w slots.
  const std::vector<uint64_t> weights = {5, 3, 2};
  auto schedule = smooth_wrr_schedule(weights);
  const size_t total = schedule.size();
  for (uint32_t m = 0; m < weights.size(); ++m) {
    size_t longest_gap = 0, gap = 0;
    for (size_t i = 0; i < 2 * total; ++i) {
      if (schedule[i % total] == m) {
        longest_gap = std::max(longest_gap, gap);
        gap = 0;
      } else {
        ++gap;
      }
    }
    EXPECT_LE(longest_gap, total / weights[m] + 1) << "member " << m;
  }
}

TEST(Wrr, PeriodCapKeepsEveryMemberInTheRotation) {
  auto w = integer_weights({1000, 0.001, 1}, 100);
  ASSERT_EQ(w.size(), 3u);
  for (uint64_t x : w) EXPECT_GE(x, 1u);
  EXPECT_GT(w[0], w[2]);
  uint64_t total = std::accumulate(w.begin(), w.end(), uint64_t{0});
  EXPECT_LE(total, 100u + w.size());  // at most one extra slot per member kept at 1
  auto schedule = smooth_wrr_schedule(w);
  auto counts = picks(schedule, 1, static_cast<int>(schedule.size()));
  EXPECT_GE(counts[1], 1);
  EXPECT_GE(counts[2], 1);
}

TEST(Wrr, MaxRotationPeriodCoversEveryMember) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{3}, size_t{1000}, size_t{100000}, size_t{1000000}})
    EXPECT_GE(max_rotation_period(n), std::max<size_t>(n, 1)) << n;
}

TEST(Wrr, TicketSlot) {
  EXPECT_EQ(ticket_slot(1, 7), 0u);
  EXPECT_EQ(ticket_slot(7, 7), 6u);
  EXPECT_EQ(ticket_slot(8, 7), 0u);
  EXPECT_EQ(ticket_slot(1, 1), 0u);
  EXPECT_EQ(ticket_slot(123, 0), 0u);
  EXPECT_EQ(ticket_slot(int64_t{1} << 62, 3), static_cast<uint64_t>(((int64_t{1} << 62) - 1) % 3));
}

TEST(Wrr, EmptyWeightsGiveAnEmptySchedule) {
  EXPECT_TRUE(smooth_wrr_schedule({}).empty());
  EXPECT_TRUE(integer_weights({}, 10).empty());
}

}  // namespace
}  // namespace leadroute
