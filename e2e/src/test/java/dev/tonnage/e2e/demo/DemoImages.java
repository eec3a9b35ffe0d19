package dev.tonnage.e2e.demo;

import dev.tonnage.testing.image.BaseImageSource;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.LayerSpec;
import dev.tonnage.testing.image.PushedImage;
import dev.tonnage.testing.image.TarArchive;

/**
 * The demo's sample images: what a slim multi-stage build and a typical bloated single-stage build
 * look like from the registry. Layer contents are seeded random bytes, so they do not compress and
 * their sizes read like real binaries and toolchains.
 */
final class DemoImages {

  private static final long MIB = 1024 * 1024;
  private static final String FAKE_DIGEST =
      "sha256:6ac0d6bf4a5f8d4e2e1f3f1a3c6b2b1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a";

  private DemoImages() {}

  /** A distroless-based image made by a multi-stage build: one small base layer and the binary. */
  static PushedImage slim(ImageBuilder builder) {
    return builder.push(
        "demo/api:slim",
        ImageSpec.builder()
            .layer(random("base", 2 * MIB, 1), "ADD distroless-static rootfs /")
            .step("USER 65532:65532")
            .layer(random("api", 9 * MIB, 2), "COPY --from=build /out/api /api")
            .step("ENTRYPOINT [\"/api\"]")
            .baseImage(
                "gcr.io/distroless/static-debian12:nonroot",
                FAKE_DIGEST,
                BaseImageSource.ANNOTATIONS)
            .build());
  }

  /** The same service built in one stage on a full distribution, toolchain and sources left in. */
  static PushedImage bloated(ImageBuilder builder) {
    ImageSpec.Builder spec =
        ImageSpec.builder()
            .layer(random("ubuntu", 28 * MIB, 3), "ADD ubuntu-jammy-rootfs.tar.gz /")
            .step("CMD [\"bash\"]")
            .layer(
                random("toolchain", 96 * MIB, 4),
                "RUN apt-get update && apt-get install -y build-essential git curl python3")
            .layer(random("src", 24 * MIB, 5), "COPY . /src")
            .layer(random("build", 14 * MIB, 6), "RUN make -C /src release");
    for (int i = 0; i < 8; i++) {
      spec.layer(random("tweak" + i, 64 * 1024, 10 + i), "RUN echo step " + i + " >> /etc/build");
    }
    return builder.push(
        "demo/api:bloated",
        spec.step("ENTRYPOINT [\"/src/out/api\"]")
            .baseImage("docker.io/library/ubuntu:22.04", FAKE_DIGEST, BaseImageSource.LABELS)
            .build());
  }

  private static LayerSpec random(String name, long size, long seed) {
    return LayerSpec.gzip(
        TarArchive.builder().randomFile("opt/" + name + ".bin", size, seed).build());
  }
}
