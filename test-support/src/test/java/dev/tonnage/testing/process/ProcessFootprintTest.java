package dev.tonnage.testing.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class ProcessFootprintTest {

  @Test
  void readsThisJvmsThreadsAndResidentMemoryFromProc() {
    ProcessFootprint footprint = ProcessFootprint.of(ProcessHandle.current().pid());
    assertThat(footprint.threads()).isGreaterThan(1);
    assertThat(footprint.rssBytes()).isGreaterThan(1 << 20);
  }

  @Test
  void thePeakOfASamplerIsAtLeastTheFootprintNow() {
    long pid = ProcessHandle.current().pid();
    try (FootprintSampler sampler = FootprintSampler.start(pid)) {
      assertThat(sampler.peak().threads())
          .isGreaterThanOrEqualTo(ProcessFootprint.of(pid).threads() - 1);
    }
  }

  @Test
  void aProcessThatIsGoneIsReportedByItsPid() {
    assertThatThrownBy(() -> ProcessFootprint.of(Long.MAX_VALUE))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("/proc/" + Long.MAX_VALUE);
  }
}
