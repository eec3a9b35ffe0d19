package dev.tonnage.admission.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The cold case of the admission benchmark, asserted: counts are not timings. Many reviews of new
 * images at once cost one fetch per image, however many reviews name it, and all are answered by
 * the real policy path within the budget.
 */
class ColdAdmissionIT {

  @Test
  void newImagesReviewedTogetherAreFetchedOnceEachAndAllAnsweredWithinTheBudget() throws Exception {
    try (BenchmarkRegistry registry = BenchmarkRegistry.start();
        AdmissionBenchmark.Bench bench =
            AdmissionBenchmark.Bench.start(registry.decider(), registry::review)) {
      ColdReviews.Result cold = ColdReviews.run(registry, bench, 20, 4);

      assertThat(cold.reviews()).isEqualTo(80);
      assertThat(cold.allowed()).isEqualTo(80);
      assertThat(cold.requestsForOneImage()).isBetween(1, 3);
      assertThat(cold.registryRequests()).isEqualTo(20 * cold.requestsForOneImage());
      assertThat(cold.slowest()).isLessThan(AdmissionBenchmark.BUDGET);
    }
  }
}
