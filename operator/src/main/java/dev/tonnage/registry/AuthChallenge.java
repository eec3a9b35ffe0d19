package dev.tonnage.registry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code WWW-Authenticate} challenge: {@code Bearer realm="...",service="...",scope="..."} or
 * {@code Basic realm="..."}.
 *
 * @param scheme lower case: {@code bearer} or {@code basic} (others are ignored)
 * @param params parameter names lower case, values unquoted
 */
record AuthChallenge(String scheme, Map<String, String> params) {

  /** The longest WWW-Authenticate value read: real ones are a few hundred characters. */
  static final int MAX_HEADER_LENGTH = 4096;

  /** WWW-Authenticate headers read from one response. */
  static final int MAX_HEADERS = 16;

  AuthChallenge {
    params = Map.copyOf(params);
  }

  boolean isBearer() {
    return "bearer".equals(scheme);
  }

  boolean isBasic() {
    return "basic".equals(scheme);
  }

  String realm() {
    return params.get("realm");
  }

  String service() {
    return params.get("service");
  }

  /**
   * The Bearer challenge if any header offers one, else Basic, else empty. Only the first {@link
   * #MAX_HEADERS} headers are read, and a header over {@link #MAX_HEADER_LENGTH} offers nothing.
   */
  static Optional<AuthChallenge> choose(List<String> headerValues) {
    AuthChallenge basic = null;
    for (String value : headerValues.subList(0, Math.min(headerValues.size(), MAX_HEADERS))) {
      for (AuthChallenge challenge : parse(value)) {
        if (challenge.isBearer() && challenge.realm() != null) {
          return Optional.of(challenge);
        }
        if (challenge.isBasic() && basic == null) {
          basic = challenge;
        }
      }
    }
    return Optional.ofNullable(basic);
  }

  /**
   * Parses a header value per RFC 7235: scheme, then comma-separated name=value pairs. One pass, no
   * regular expression; a value over {@link #MAX_HEADER_LENGTH} characters (or null) yields no
   * challenge at all.
   */
  static List<AuthChallenge> parse(String header) {
    List<AuthChallenge> result = new java.util.ArrayList<>();
    if (header == null || header.length() > MAX_HEADER_LENGTH) {
      return result;
    }
    int i = 0;
    int n = header.length();
    String scheme = null;
    Map<String, String> params = new LinkedHashMap<>();
    while (i < n) {
      while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ',')) {
        i++;
      }
      int start = i;
      while (i < n
          && header.charAt(i) != ' '
          && header.charAt(i) != '='
          && header.charAt(i) != ',') {
        i++;
      }
      if (start == i) {
        break;
      }
      String token = header.substring(start, i);
      int afterToken = i;
      while (i < n && header.charAt(i) == ' ') {
        i++;
      }
      if (i < n && header.charAt(i) == '=' && scheme != null) {
        i++;
        while (i < n && header.charAt(i) == ' ') {
          i++;
        }
        StringBuilder value = new StringBuilder();
        if (i < n && header.charAt(i) == '"') {
          i++;
          while (i < n && header.charAt(i) != '"') {
            if (header.charAt(i) == '\\' && i + 1 < n) {
              i++;
            }
            value.append(header.charAt(i++));
          }
          i++; // closing quote
        } else {
          while (i < n && header.charAt(i) != ',' && header.charAt(i) != ' ') {
            value.append(header.charAt(i++));
          }
        }
        params.put(token.toLowerCase(Locale.ROOT), value.toString());
      } else {
        // A new scheme starts a new challenge.
        if (scheme != null) {
          result.add(new AuthChallenge(scheme, params));
          params = new LinkedHashMap<>();
        }
        scheme = token.toLowerCase(Locale.ROOT);
        i = afterToken;
      }
    }
    if (scheme != null) {
      result.add(new AuthChallenge(scheme, params));
    }
    return result;
  }
}
