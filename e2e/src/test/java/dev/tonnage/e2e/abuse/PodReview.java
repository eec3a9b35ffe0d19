package dev.tonnage.e2e.abuse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/** AdmissionReview v1 bodies as kube-apiserver sends them for a Pod CREATE. */
public final class PodReview {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PodReview() {}

  /** A review of Pod {@code name} in namespace {@code namespace} with one container per image. */
  static byte[] create(String uid, String namespace, String name, List<String> images) {
    ObjectNode review = JSON.createObjectNode();
    review.put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode request = review.putObject("request");
    request.put("uid", uid);
    request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
    request.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
    request.put("namespace", namespace).put("name", name).put("operation", "CREATE");
    request.putObject("userInfo").put("username", "developer");
    request.put("dryRun", false);
    ObjectNode pod = request.putObject("object");
    pod.put("apiVersion", "v1").put("kind", "Pod");
    pod.putObject("metadata").put("name", name).put("namespace", namespace);
    ArrayNode containers = pod.putObject("spec").putArray("containers");
    for (int i = 0; i < images.size(); i++) {
      containers.addObject().put("name", "c" + i).put("image", images.get(i));
    }
    try {
      return JSON.writeValueAsBytes(review);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A review with a fresh uid. */
  public static byte[] create(String namespace, String name, String image) {
    return create(UUID.randomUUID().toString(), namespace, name, List.of(image));
  }

  /**
   * An AdmissionReview whose Pod object is {@code depth} nested JSON arrays: valid JSON no sane
   * client sends, and a stack overflow for a recursive parser.
   */
  static byte[] nested(int depth) {
    String head =
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":"
            + "{\"uid\":\"nested\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},"
            + "\"operation\":\"CREATE\",\"namespace\":\"abuse\",\"object\":{\"spec\":";
    StringBuilder body = new StringBuilder(head.length() + 2 * depth + 4).append(head);
    body.append("[".repeat(depth)).append("]".repeat(depth)).append("}}}");
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }
}
