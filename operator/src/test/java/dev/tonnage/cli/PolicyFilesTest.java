package dev.tonnage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.policy.CompiledPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyFilesTest {

  private static final String POLICY =
      "apiVersion: tonnage.dev/v1alpha1\nkind: ClusterImagePolicy\nmetadata: {name: %s}\n"
          + "spec: {limits: {maxLayers: 5}}\n";

  @TempDir Path dir;

  private final List<String> problems = new ArrayList<>();

  @Test
  void aDirectoryStandsForItsYamlYmlAndJsonFilesInNameOrder() throws IOException {
    write("b.yml", POLICY.formatted("second"));
    write("a.yaml", POLICY.formatted("first"));
    write(
        "c.json",
        "{\"apiVersion\": \"tonnage.dev/v1alpha1\", \"kind\": \"ClusterImagePolicy\","
            + " \"metadata\": {\"name\": \"third\"}, \"spec\": {}}");
    write("README.md", "not a policy");
    write("nested/d.yaml", POLICY.formatted("not-read"));
    assertThat(names(PolicyFiles.load(List.of(dir), problems)))
        .containsExactly("first", "second", "third");
    assertThat(problems).isEmpty();
  }

  @Test
  void otherKindsInADirectoryArePassedOverButNotInANamedFile() throws IOException {
    Path mixed =
        write(
            "all.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: team-payments}\n---\n"
                + POLICY.formatted("slim"));
    assertThat(names(PolicyFiles.load(List.of(dir), problems))).containsExactly("slim");
    assertThat(problems).isEmpty();
    assertThat(PolicyFiles.load(List.of(mixed), problems)).isEmpty();
    assertThat(problems).singleElement().asString().contains("kind: \"Namespace\" is not");
  }

  @Test
  void everyProblemOfEveryFileIsReportedWithFileLinePolicyAndField() throws IOException {
    Path bad =
        write(
            "bad.yaml",
            POLICY.formatted("ok")
                + "---\napiVersion: tonnage.dev/v1alpha1\nkind: ClusterImagePolicy\n"
                + "metadata: {name: broken}\n"
                + "spec:\n  action: Block\n  limits: {maxCompressedSize: 500MB}\n");
    write("worse.yaml", "apiVersion: tonnage.dev/v1alpha1\nkind: ImagePolicy\nspec: {}\n");
    PolicyFiles.load(List.of(dir), problems);
    assertThat(problems)
        .containsExactly(
            bad
                + ":6: ClusterImagePolicy broken: spec.action: \"Block\" is not one of Audit,"
                + " Enforce, Warn",
            bad
                + ":6: ClusterImagePolicy broken: spec.limits.maxCompressedSize: \"500MB\" is not"
                + " a byte quantity; write e.g. 500Mi, 1Gi, 1.5G or \"1000000\" (bytes)",
            dir.resolve("worse.yaml") + ":1: ImagePolicy: metadata.name: is required");
  }

  @Test
  void aDirectoryWithoutPoliciesAndAMissingFileAreProblems() throws IOException {
    Path empty = Files.createDirectory(dir.resolve("empty"));
    PolicyFiles.load(List.of(empty, dir.resolve("missing.yaml")), problems);
    assertThat(problems)
        .containsExactly(
            empty + ": holds no ClusterImagePolicy or ImagePolicy in a .yaml, .yml or .json file",
            dir.resolve("missing.yaml") + ": no such file or directory");
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  private static List<String> names(List<CompiledPolicy> policies) {
    return policies.stream().map(p -> p.ref().name()).toList();
  }
}
