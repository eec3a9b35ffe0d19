package dev.tonnage.registry.cloud;

import java.util.Optional;

/** Where {@link EcrIdentity} gets registry tokens: ecr:GetAuthorizationToken, or a test's own. */
interface EcrTokens {

  /**
   * A token for {@code host}'s registry; empty when no AWS credentials are to be had here (then its
   * images are pulled anonymously).
   *
   * @throws RuntimeException when credentials exist but the token could not be fetched
   */
  Optional<EcrToken> fetch(EcrHost host);
}
