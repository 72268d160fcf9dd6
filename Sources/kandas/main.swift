import Glibc
import KandasCLI

// glibc gives each thread that allocates under contention its own malloc arena (up to 8 per core), and
// freed memory stays in the arena that held it. The client allocates on libcurl's transfer thread, the
// SQLite queue and the dispatch pool, so a 10,000-event backlog left several arenas of freed pull and push
// pages resident: measured 66 MiB peak for `kandas sync` with the default, 60 MiB with two arenas (the
// server's child in `kandas-bench` runs with MALLOC_ARENA_MAX=2 for the same reason). An operator's
// MALLOC_ARENA_MAX still wins: glibc reads it before main, and we only lower the default.
if getenv("MALLOC_ARENA_MAX") == nil { _ = glibcMallopt(-8, 2) }  // M_ARENA_MAX from <malloc.h>

/// glibc's `mallopt(3)`: `<malloc.h>` is not part of the Glibc module, and adding it to a C shim target
/// would make a second Swift module import that shim.
@_silgen_name("mallopt")
func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32

await KandasCLI.main()
