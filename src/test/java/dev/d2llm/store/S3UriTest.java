package dev.d2llm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The one parser of s3:// locations: bucket and prefix, or a message naming the URI. */
class S3UriTest {

  @Test
  void takesBucketAndPrefixApart() {
    assertThat(S3Uri.parse(URI.create("s3://indexes/demo/v1/")))
        .isEqualTo(new S3Uri("indexes", "demo/v1/"));
    assertThat(S3Uri.parse(URI.create("S3://indexes"))).isEqualTo(new S3Uri("indexes", ""));
  }

  @Test
  void refusesWhatIsNotABucketAndPrefix() {
    for (String bad :
        new String[] {"s3:///demo/", "s3://b/p?versionId=1", "s3://b/p#x", "file:///b/"}) {
      assertThatThrownBy(() -> S3Uri.parse(URI.create(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad)
          .hasMessageContaining("must be s3://bucket/prefix/");
    }
  }
}
