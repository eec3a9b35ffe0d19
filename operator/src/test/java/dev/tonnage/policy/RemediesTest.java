package dev.tonnage.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RemediesTest {

  private static final String GENERIC =
      "Split the step, or run it in a build stage and COPY only its result into the final image.";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/bin/sh -c pip install --no-cache-dir torch",
        "RUN /bin/sh -c PIP_NO_CACHE_DIR=1 pip3 install torch # buildkit",
        "/bin/sh -c apt-get update && apt-get install -y --no-install-recommends gcc"
            + " && rm -rf /var/lib/apt/lists/*",
        "/bin/sh -c apt-get -o APT::Install-Recommends=false install -y gcc && apt-get clean"
            + " && rm -rf /var/lib/apt/lists/*",
        "/bin/sh -c apk add --no-cache python3",
        "/bin/sh -c dnf install -y gcc && dnf clean all",
        "/bin/sh -c npm ci --omit=dev && npm cache clean --force",
        "/bin/sh -c yarn install --production && yarn cache clean",
        "/bin/sh -c gem install rails --no-document",
        "/bin/sh -c conda install -y numpy && conda clean -afy",
      })
  void aStepThatAlreadyFollowsTheAdviceIsNotToldToFollowIt(String createdBy) {
    assertThat(Remedies.forLayer(createdBy)).isEqualTo(GENERIC);
    assertThat(Remedies.forSize(createdBy)).isEqualTo(Remedies.MULTI_STAGE);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/bin/sh -c pip install torch | Install with pip install --no-cache-dir.",
        "/bin/sh -c apt-get install -y gcc | Install with --no-install-recommends and rm -rf"
            + " /var/lib/apt/lists/* in the same RUN.",
        "/bin/sh -c apk add python3 | Install with apk add --no-cache.",
        "/bin/sh -c yum install -y gcc | Run yum clean all in the same RUN.",
        "/bin/sh -c npm install | Install production dependencies only (npm ci --omit=dev) and"
            + " clean the cache (npm cache clean --force) in the same RUN.",
        "/bin/sh -c gem install rails | Install with gem install --no-document.",
        "/bin/sh -c conda install -y numpy | Run conda clean -afy in the same RUN.",
        "/bin/sh -c apt-get install -y --no-install-recommends gcc | Install with rm -rf"
            + " /var/lib/apt/lists/* in the same RUN.",
        "/bin/sh -c apt-get install -y gcc && rm -rf /var/lib/apt/lists/* | Install with"
            + " --no-install-recommends in the same RUN.",
        "/bin/sh -c npm ci --omit=dev | Clean the cache (npm cache clean --force) in the same RUN.",
        "/bin/sh -c npm install && npm cache clean --force | Install production dependencies only"
            + " (npm ci --omit=dev) in the same RUN.",
      })
  void aStepIsToldOnlyTheAdviceItLacks(String createdBy, String remedy) {
    assertThat(Remedies.forLayer(createdBy)).isEqualTo(remedy);
  }

  @Test
  void theWholeStepIsReadNotOnlyTheShortenedOneMessagesShow() {
    // The cleanup is past the 80 characters a message shows of the step: still seen.
    String createdBy =
        "/bin/sh -c apt-get update && apt-get install -y --no-install-recommends build-essential"
            + " libpq-dev python3-dev && rm -rf /var/lib/apt/lists/*";
    assertThat(BuildStep.of(createdBy).text()).doesNotContain("/var/lib/apt/lists");
    assertThat(Remedies.forLayer(createdBy)).isEqualTo(GENERIC);
  }
}
