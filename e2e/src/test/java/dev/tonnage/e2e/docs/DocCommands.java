package dev.tonnage.e2e.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shell blocks of a Markdown document that a test runs: each is a {@code ```sh} fence right
 * after a marker line {@code <!-- doc-test: NAME -->}. Reading the document itself, not a copy, is
 * what keeps the document and the product from drifting apart.
 */
final class DocCommands {

  private static final String MARKER_START = "<!-- doc-test: ";
  private static final String MARKER_END = " -->";
  private static final int MAX_BLOCK_LINES = 50;

  private final Path document;
  private final Map<String, String> blocks;

  private DocCommands(Path document, Map<String, String> blocks) {
    this.document = document;
    this.blocks = blocks;
  }

  static DocCommands read(Path document) {
    List<String> lines;
    try {
      lines = Files.readAllLines(document, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + document, e);
    }
    Map<String, String> blocks = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (!line.startsWith(MARKER_START) || !line.endsWith(MARKER_END)) {
        continue;
      }
      String name = line.substring(MARKER_START.length(), line.length() - MARKER_END.length());
      if (i + 1 >= lines.size() || !lines.get(i + 1).strip().equals("```sh")) {
        throw new IllegalStateException(
            document + ":" + (i + 1) + ": marker " + name + " must be followed by a ```sh fence");
      }
      StringBuilder script = new StringBuilder();
      int end = i + 2;
      while (end < lines.size() && !lines.get(end).strip().equals("```")) {
        if (end - i > MAX_BLOCK_LINES) {
          throw new IllegalStateException(document + ": block " + name + " is not closed");
        }
        script.append(lines.get(end)).append('\n');
        end++;
      }
      if (blocks.put(name, script.toString()) != null) {
        throw new IllegalStateException(document + ": two blocks are marked " + name);
      }
      i = end;
    }
    return new DocCommands(document, blocks);
  }

  /** The block marked {@code name}; fails when the document lost it. */
  String block(String name) {
    String script = blocks.get(name);
    if (script == null) {
      throw new IllegalStateException(
          document
              + " has no block marked <!-- doc-test: "
              + name
              + " --> (has "
              + blocks.keySet()
              + ")");
    }
    return script;
  }

  /**
   * The block marked {@code name} with each of {@code substitutions} (literal text to the test's
   * value) applied; every one must occur, so that a changed document fails instead of running
   * something else.
   */
  String block(String name, Map<String, String> substitutions) {
    String script = block(name);
    for (Map.Entry<String, String> s : substitutions.entrySet()) {
      if (!script.contains(s.getKey())) {
        throw new IllegalStateException(
            document + " block " + name + " no longer contains '" + s.getKey() + "':\n" + script);
      }
      script = script.replace(s.getKey(), s.getValue());
    }
    return script;
  }
}
