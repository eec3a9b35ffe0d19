package dev.tonnage.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ManifestReaderTest {

  @TempDir Path dir;

  private final List<String> problems = new ArrayList<>();

  @Test
  void readsEveryDocumentWithItsIndexAndStartLine() throws IOException {
    Path file =
        write(
            "app.yaml",
            """
            # Source: app/templates/cm.yaml
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            ---
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: shop
            """);

    List<ManifestObject> objects = read(file);

    assertThat(problems).isEmpty();
    assertThat(objects)
        .extracting(ManifestObject::kind, ManifestObject::document, ManifestObject::line)
        .containsExactly(tuple("ConfigMap", 1, 2), tuple("Deployment", 3, 7));
    assertThat(objects.get(1).group()).isEqualTo("apps");
    assertThat(objects.get(1).version()).isEqualTo("v1");
    assertThat(objects.get(1).namespace()).isEqualTo("shop");
    assertThat(objects.get(1).where()).isEqualTo(file + ":7");
  }

  @Test
  void aListStandsForItsItemsAtTheListsPlace() throws IOException {
    Path file =
        write(
            "list.json",
            """
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}},
              {"apiVersion": "apps/v1", "kind": "DeploymentList", "items": [
                {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "b"}}]}
            ]}
            """);

    assertThat(read(file)).extracting(ManifestObject::name).containsExactly("a", "b");
    assertThat(read(file)).extracting(ManifestObject::line).containsOnly(1);
    assertThat(problems).isEmpty();
  }

  @Test
  void aDirectoryStandsForItsManifestFilesInNameOrderNotItsSubdirectories() throws IOException {
    write("b.yml", "kind: Pod\nmetadata: {name: b}\n");
    write("a.yaml", "kind: Pod\nmetadata: {name: a}\n");
    write("notes.txt", "kind: Pod\nmetadata: {name: text}\n");
    Files.createDirectory(dir.resolve("sub"));
    write("sub/c.yaml", "kind: Pod\nmetadata: {name: c}\n");

    assertThat(read(dir)).extracting(ManifestObject::name).containsExactly("a", "b");
  }

  @Test
  void dashReadsStandardInputOnce() {
    ManifestReader reader =
        new ManifestReader(stdin("apiVersion: v1\nkind: Pod\nmetadata: {name: piped}\n"));

    List<ManifestObject> objects = reader.read(List.of(Path.of("-"), Path.of("-")), problems);

    assertThat(objects)
        .singleElement()
        .satisfies(o -> assertThat(o.where()).isEqualTo("<stdin>:1"));
    assertThat(problems).containsExactly("-f -: standard input can be read only once");
  }

  @Test
  void refusesAliasesSoNoAliasBombCanGrow() throws IOException {
    StringBuilder yaml = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      char prev = (char) (c - 1);
      yaml.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 9; i++) {
        yaml.append(i == 0 ? "" : ",").append('*').append(prev);
      }
      yaml.append("]\n");
    }

    assertThat(read(write("laughs.yaml", yaml.toString()))).isEmpty();
    assertThat(problems)
        .singleElement()
        .asString()
        .contains("laughs.yaml:2: not valid YAML: a YAML alias is not expanded");
  }

  @Test
  void refusesAMergeKeyAliasRatherThanMisreadingIt() throws IOException {
    Path file =
        write("merge.yaml", "base: &base {image: nginx}\ncontainer:\n  <<: *base\n  name: web\n");
    assertThat(read(file)).isEmpty();
    assertThat(problems).singleElement().asString().contains("alias is not expanded");
  }

  @Test
  @Timeout(10)
  void refusesDeepNestingWithoutOverflowingTheStack() throws IOException {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    assertThat(read(write("deep.yaml", deep))).isEmpty();
    assertThat(problems).singleElement().asString().contains("deep.yaml").contains("not valid");
    problems.clear();
    StringBuilder block = new StringBuilder("a:\n");
    for (int i = 1; i <= ManifestReader.MAX_NESTING_DEPTH + 5; i++) {
      block.append("  ".repeat(i)).append("a:\n");
    }
    assertThat(read(write("block.yaml", block.toString()))).isEmpty();
    assertThat(problems).singleElement().asString().contains("block.yaml").contains("not valid");
  }

  @Test
  void refusesASourceLargerThanTheCapWithoutParsingIt() throws IOException {
    Path huge =
        Files.write(dir.resolve("huge.yaml"), new byte[ManifestReader.MAX_SOURCE_BYTES + 1]);
    assertThat(read(huge)).isEmpty();
    assertThat(problems)
        .containsExactly(huge + ": is larger than 16 MiB; split the manifests into several files");
  }

  @Test
  void readsOneDocumentLargerThanSnakeYamlsDefaultLimitWhenWithinTheCap() throws IOException {
    Path big =
        write(
            "big.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: "
                + "x".repeat(5 * 1024 * 1024)
                + "\n");
    assertThat(read(big)).singleElement().satisfies(o -> assertThat(o.name()).isEqualTo("big"));
    assertThat(problems).isEmpty();
  }

  @Test
  void stopsAtTheObjectCapNamingWhere() throws IOException {
    Path many = write("many.yaml", "kind: Pod\n---\n".repeat(ManifestReader.MAX_OBJECTS + 1));
    assertThat(read(many)).hasSize(ManifestReader.MAX_OBJECTS);
    assertThat(problems)
        .containsExactly(
            many
                + ":"
                + (2 * ManifestReader.MAX_OBJECTS + 1)
                + ": more than 10000 objects in all; check fewer manifests at a time");
  }

  @Test
  void constructsNoTypeFromATagAndRefusesDuplicateKeys() throws IOException {
    Path tagged =
        write("tagged.yaml", "kind: !!javax.script.ScriptEngineManager [x]\nmetadata: {}\n");
    assertThat(read(tagged)).singleElement().satisfies(o -> assertThat(o.kind()).isEmpty());
    Path duplicate = write("dup.yaml", "kind: Pod\nkind: Deployment\n");
    assertThat(read(duplicate)).isEmpty();
    assertThat(problems).singleElement().asString().contains("dup.yaml:2: not valid YAML");
  }

  @Test
  void namesMissingUnreadableAndNonUtf8Sources() throws IOException {
    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(latin1, new byte[] {'k', ':', ' ', (byte) 0xE9, '\n'});
    read(dir.resolve("missing.yaml"));
    read(latin1);
    read(write("scalar.yaml", "just text\n"));
    assertThat(problems)
        .containsExactly(
            dir.resolve("missing.yaml") + ": no such file or directory",
            latin1 + ": is not UTF-8 text",
            dir.resolve("scalar.yaml") + ":1: expected a Kubernetes object (a mapping)");
  }

  private List<ManifestObject> read(Path path) {
    return new ManifestReader(stdin("")).read(List.of(path), problems);
  }

  private static InputStream stdin(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }
}
