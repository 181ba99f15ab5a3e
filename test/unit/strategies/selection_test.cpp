// The numbers behind least-loaded and performance routing: the seedable generator and its
// distributions, load scores and the shrunk conversion rates.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include "core/strategies/selection.h"

namespace leadroute {
namespace {

std::vector<uint64_t> draws(uint64_t seed, int n) {
  Rng rng(seed);
  std::vector<uint64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(rng.next());
  return out;
}

// ---- Rng --------------------------------------------------------------------------------------

TEST(Rng, SameSeedSameSequence) {
  EXPECT_EQ(draws(42, 100), draws(42, 100));
  EXPECT_EQ(draws(0, 10), draws(0, 10));
  Rng a(7), b(7);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(a.uniform(), b.uniform()) << i;
    ASSERT_EQ(a.beta(2, 3), b.beta(2, 3)) << i;
  }
}

TEST(Rng, DifferentSeedsDiffer) {
  std::vector<uint64_t> one = draws(1, 100), two = draws(2, 100);
  EXPECT_NE(one, two);
  int equal = 0;
  for (size_t i = 0; i < one.size(); ++i) equal += one[i] == two[i];
  EXPECT_EQ(equal, 0);
  // Nor is a sequence a shifted copy of another seed's.
  std::vector<uint64_t> shifted = draws(1, 101);
  shifted.erase(shifted.begin());
  EXPECT_NE(shifted, two);
}

TEST(Rng, NextLooksRandom) {
  std::set<uint64_t> seen;
  Rng rng(123);
  int bits = 0;
  const int n = 10000;
  for (int i = 0; i < n; ++i) {
    uint64_t v = rng.next();
    seen.insert(v);
    bits += static_cast<int>(v & 1);
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(n));
  EXPECT_NEAR(bits, n / 2, n * 0.03);
}

TEST(Rng, UniformStaysInsideTheOpenInterval) {
  Rng rng(2024);
  const int n = 100000;
  double sum = 0, low = 1, high = 0;
  int below_tenth = 0;
  for (int i = 0; i < n; ++i) {
    double u = rng.uniform();
    ASSERT_GT(u, 0.0) << i;
    ASSERT_LT(u, 1.0) << i;
    sum += u;
    low = std::min(low, u);
    high = std::max(high, u);
    below_tenth += u < 0.1;
  }
  EXPECT_NEAR(sum / n, 0.5, 0.01);
  EXPECT_LT(low, 0.001);
  EXPECT_GT(high, 0.999);
  EXPECT_NEAR(below_tenth, n / 10, n * 0.01);
}

double beta_mean(double a, double b, uint64_t seed, int n) {
  Rng rng(seed);
  double sum = 0;
  for (int i = 0; i < n; ++i) {
    double x = rng.beta(a, b);
    EXPECT_GE(x, 0.0);
    EXPECT_LE(x, 1.0);
    sum += x;
  }
  return sum / n;
}

TEST(Rng, BetaMeans) {
  EXPECT_NEAR(beta_mean(2, 8, 11, 20000), 0.2, 0.01);
  EXPECT_NEAR(beta_mean(30, 10, 12, 20000), 0.75, 0.01);
  EXPECT_NEAR(beta_mean(0.5, 0.5, 13, 20000), 0.5, 0.01);
}

TEST(Rng, BetaVariance) {
  // Beta(2, 8): variance ab / ((a+b)^2 (a+b+1)) = 16 / 1100.
  Rng rng(5);
  const int n = 20000;
  double sum = 0, sq = 0;
  for (int i = 0; i < n; ++i) {
    double x = rng.beta(2, 8);
    sum += x;
    sq += x * x;
  }
  double mean = sum / n;
  EXPECT_NEAR(sq / n - mean * mean, 16.0 / 1100.0, 0.0015);
}

TEST(Rng, GammaMeans) {
  for (double k : {0.5, 1.0, 5.0}) {
    Rng rng(static_cast<uint64_t>(k * 1000) + 1);
    const int n = 20000;
    double sum = 0;
    for (int i = 0; i < n; ++i) {
      double g = rng.gamma(k);
      ASSERT_GT(g, 0.0);
      sum += g;
    }
    // Standard error of the mean is sqrt(k / n); allow about four of them.
    EXPECT_NEAR(sum / n, k, 4 * std::sqrt(k / n) + 0.005) << "shape " << k;
  }
}

TEST(Rng, NormalMeanAndSpread) {
  Rng rng(99);
  const int n = 20000;
  double sum = 0, sq = 0;
  for (int i = 0; i < n; ++i) {
    double x = rng.normal();
    sum += x;
    sq += x * x;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.03);
  EXPECT_NEAR(sq / n, 1.0, 0.05);
}

// ---- load_score -------------------------------------------------------------------------------

TEST(LoadScore, WeightLowersTheLoad) {
  EXPECT_GT(load_score(5, 1, std::nullopt), load_score(5, 2, std::nullopt));
  EXPECT_DOUBLE_EQ(load_score(5, 1, std::nullopt), 5.0);
  EXPECT_DOUBLE_EQ(load_score(5, 2, std::nullopt), 2.5);
  EXPECT_LT(load_score(2, 1, std::nullopt), load_score(3, 1, std::nullopt));
  EXPECT_DOUBLE_EQ(load_score(0, 1, std::nullopt), 0.0);
}

TEST(LoadScore, RespectsCaps) {
  EXPECT_LT(load_score(5, 1, 10), load_score(3, 1, 4));
  EXPECT_DOUBLE_EQ(load_score(5, 1, 10), 0.5);
  EXPECT_DOUBLE_EQ(load_score(3, 1, 4), 0.75);
  EXPECT_DOUBLE_EQ(load_score(6, 2, 10), 0.3);
}

TEST(LoadScore, DegenerateWeightsAndCaps) {
  // A weight or cap that is not positive counts as 1 rather than dividing by zero.
  EXPECT_DOUBLE_EQ(load_score(4, 0, std::nullopt), 4.0);
  EXPECT_DOUBLE_EQ(load_score(4, -1, std::nullopt), 4.0);
  EXPECT_DOUBLE_EQ(load_score(4, 1, 0), 4.0);
  EXPECT_TRUE(std::isfinite(load_score(4, 0, 0)));
}

// ---- rates ------------------------------------------------------------------------------------

TEST(Rates, PoolRateOfNothingIsACoinFlip) {
  EXPECT_DOUBLE_EQ(pool_rate(0, 0), 0.5);
  EXPECT_DOUBLE_EQ(pool_rate(1, 1), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(pool_rate(0, 1), 1.0 / 3.0);
  EXPECT_NEAR(pool_rate(300, 1000), 0.3, 0.001);
}

TEST(Rates, ShrunkRatePullsSmallHistoriesTowardThePool) {
  const double pool = 0.2;
  // One lucky win out of one: raw rate 1.0, but barely above the pool's rate.
  double lucky = shrunk_rate({1, 0}, pool);
  EXPECT_GT(lucky, pool);
  EXPECT_LT(lucky, pool + 0.1);
  EXPECT_NEAR(lucky, (1 + kPerformancePriorWeight * pool) / (1 + kPerformancePriorWeight), 1e-12);
  // 300 of 400: raw 0.75, hardly moved.
  double proven = shrunk_rate({300, 100}, pool);
  EXPECT_NEAR(proven, 0.75, 0.03);
  EXPECT_LT(proven, 0.75);
  // No history: the pool's rate itself.
  EXPECT_DOUBLE_EQ(shrunk_rate({0, 0}, pool), pool);
  // A poor record, shrunk up toward the pool but still below it.
  double poor = shrunk_rate({0, 30}, 0.5);
  EXPECT_GT(poor, 0.0);
  EXPECT_LT(poor, 0.5);
}

TEST(Rates, SampleRateCentresOnTheShrunkRate) {
  Rng rng(31);
  const int n = 20000;
  double sum = 0;
  for (int i = 0; i < n; ++i) sum += sample_rate({300, 100}, 0.5, rng);
  EXPECT_NEAR(sum / n, (300 + 10.0) / (400 + 20.0), 0.005);
  sum = 0;
  for (int i = 0; i < n; ++i) sum += sample_rate({}, 0.3, rng);
  EXPECT_NEAR(sum / n, 0.3, 0.01);
}

}  // namespace
}  // namespace leadroute
