package dev.tonnage.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * AdmissionReview bodies recorded from a real kube-apiserver (see
 * src/test/resources/admission/README.md).
 */
final class Fixtures {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {}

  static String read(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/admission/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture admission/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fixture as a tree, to vary one field of a real request. */
  static ObjectNode tree(String name) {
    try {
      return (ObjectNode) JSON.readTree(read(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fixture with its request UID replaced. */
  static String withUid(String name, String uid) {
    ObjectNode review = tree(name);
    ((ObjectNode) review.get("request")).put("uid", uid);
    return review.toString();
  }

  /** A Pod CREATE review with the given UID. */
  static String podCreate(String uid) {
    return withUid("pod-create.json", uid);
  }
}
