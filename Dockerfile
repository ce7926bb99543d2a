# The one palaver image: engine, worker, pull and runs. Multi-stage: built with the
# Swift toolchain (with the Broker trait), run on Swift's slim runtime image.
FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends librabbitmq-dev libncurses-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so source edits reuse the resolved packages layer.
COPY Package.swift ./
RUN swift package resolve
COPY Sources Sources
COPY Tests Tests
RUN swift build -c release --traits Broker --static-swift-stdlib \
 && install -D .build/release/palaver /out/palaver

FROM swift:6.3-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends librabbitmq4 libncursesw6 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/palaver /usr/local/bin/palaver
WORKDIR /app
COPY scenarios scenarios
COPY themes themes
COPY problems problems
# Any unprivileged user: palaver writes only where it is told (sessions, /tmp).
USER 65532:65532
ENTRYPOINT ["palaver"]
CMD ["--help"]
