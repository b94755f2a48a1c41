// swift-tools-version:6.2
import PackageDescription

/// Hot loops over column buffers: dynamic exclusivity checks cost about a tenth of ingest CPU (docs/decisions/0020,
/// 0022), so release builds of the data-path modules turn them off. Tools 6.2: SwiftPM lets another package depend
/// on the library products by version despite this unsafe flag.
let hotPathSettings: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "Huiyan",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "huiyan", targets: ["huiyan"]),
        .library(name: "HuiyanStorage", targets: ["HuiyanStorage"]),
        .library(name: "HuiyanIngest", targets: ["HuiyanIngest"]),
        .library(name: "HuiyanQuery", targets: ["HuiyanQuery"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries (Debian: liblz4-dev, libxxhash-dev, libedit-dev, zlib1g-dev, libre2-dev).
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CXXHash", pkgConfig: "libxxhash", providers: [.apt(["libxxhash-dev"])]),
        .systemLibrary(name: "CPrefetch"),
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // RE2 (Debian: libre2-dev), linear-time regular expressions, behind a C face of a few functions.
        .target(name: "CRE2", linkerSettings: [.linkedLibrary("re2")]),

        // Buffers: the few types that hold unsafe pointer code (byte views, allocated slots, growable buffers), each
        // pointer step asserted in debug builds. No dependencies: every data-path module builds on it. Its API is public,
        // not package: only public @inlinable code is inlined into other modules (docs/decisions/0024).
        .target(name: "HuiyanBuffers", swiftSettings: hotPathSettings),
        // Storage: types, column data, encodings, LZ4 codec, segments, tables. Knows nothing of SQL or feeds.
        .target(name: "HuiyanStorage", dependencies: ["HuiyanBuffers", "CLZ4", "CXXHash"], swiftSettings: hotPathSettings),
        // Values: strict parsers of one field's text (integers, numbers, money, timestamps, dates, UTF-8) and their
        // errors, shared by ingest (every field) and the query core (CAST, literals, partition values).
        .target(name: "HuiyanValues", dependencies: ["HuiyanBuffers"], swiftSettings: hotPathSettings),
        // Ingest: CSV / NDJSON readers (gzip and GBK feeds decoded as read), validation, rejects → segments.
        .target(name: "HuiyanIngest", dependencies: ["HuiyanBuffers", "HuiyanStorage", "HuiyanValues", "CZlib"], swiftSettings: hotPathSettings),
        // The Hengyang domain: the three feeds' schemas, catalogs (CSV resources a user can read and extend) and the
        // demo-feed generator. Knows storage (schemas) and ingest (catalog files are read by its CSV reader), not the
        // query core.
        .target(name: "HuiyanTourism", dependencies: ["HuiyanBuffers", "HuiyanStorage", "HuiyanValues", "HuiyanIngest"], resources: [.copy("Catalogs")]),
        // Parquet files written (COPY … TO 'x.parquet': Thrift compact metadata, dictionary pages, LZ4_RAW) and read
        // (read_parquet: pages v1/v2, PLAIN/dictionary/RLE/DELTA, SNAPPY/GZIP (zlib)/LZ4_RAW/ZSTD (libzstd.so.1 at run time)).
        .target(name: "HuiyanParquet", dependencies: ["HuiyanBuffers", "HuiyanStorage", "CZlib"], swiftSettings: hotPathSettings),
        // The query core: SQL parser, binder, vectorized executor. Knows storage, values (CAST) and ingest (COPY FROM,
        // read_csv / read_ndjson), not the CLI.
        .target(name: "HuiyanQuery", dependencies: ["HuiyanBuffers", "HuiyanStorage", "HuiyanValues", "HuiyanIngest", "HuiyanParquet", "CXXHash", "CRE2", "CPrefetch"], swiftSettings: hotPathSettings),
        // The command line: subcommands, the REPL (libedit) and rendering of results.
        .target(name: "HuiyanCLI", dependencies: [
            "HuiyanStorage", "HuiyanIngest", "HuiyanQuery", "HuiyanTourism", "CEditLine",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "huiyan", dependencies: ["HuiyanCLI"]),
        .executableTarget(
            name: "huiyan-bench",
            dependencies: ["HuiyanStorage", "HuiyanIngest", "HuiyanQuery", "HuiyanTourism", "HuiyanCLI"],
            path: "Benchmarks/HuiyanBench"
        ),

        .testTarget(name: "HuiyanBuffersTests", dependencies: ["HuiyanBuffers"]),
        .testTarget(name: "HuiyanValuesTests", dependencies: ["HuiyanValues"]),
        .testTarget(name: "HuiyanStorageTests", dependencies: ["HuiyanBuffers", "HuiyanStorage", "HuiyanTourism"]),
        .testTarget(name: "HuiyanIngestTests", dependencies: ["HuiyanBuffers", "HuiyanIngest", "HuiyanStorage", "HuiyanTourism"]),
        .testTarget(name: "HuiyanTourismTests", dependencies: ["HuiyanTourism", "HuiyanIngest", "HuiyanStorage", "HuiyanValues"]),
        // What the tests of several modules share (damaging a segment in place).
        .target(name: "HuiyanTestSupport", dependencies: ["HuiyanStorage"], path: "Tests/HuiyanTestSupport"),
        .testTarget(name: "HuiyanQueryTests", dependencies: ["HuiyanQuery", "HuiyanStorage", "HuiyanIngest", "HuiyanParquet", "HuiyanTourism", "HuiyanTestSupport"]),
        // End-to-end through the binary, and the report and dimension tables in-process against plain SQL.
        .testTarget(name: "HuiyanCLITests", dependencies: ["HuiyanStorage", "HuiyanIngest", "HuiyanQuery", "HuiyanTourism", "HuiyanCLI", "huiyan", "HuiyanTestSupport"]),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
