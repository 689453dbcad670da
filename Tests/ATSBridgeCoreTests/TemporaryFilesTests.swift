import ATSBridgeTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The tests' temporary folder: one per process, and a crashed process's folder removed by the
/// next run.
@Suite struct TemporaryFilesTests {
    @Test func pathsAreUniqueAndUnderTheProcessFolder() {
        let first = TemporaryFiles.unique("probe")
        let second = TemporaryFiles.unique("probe", extension: "log")
        #expect(first != second)
        #expect(first.path == TemporaryFiles.root.path + "/" + first.lastPathComponent)
        #expect(second.pathExtension == "log")
        #expect(TemporaryFiles.root.lastPathComponent.hasPrefix("atsbridge-tests-\(getpid())-"))
        var isFolder: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: TemporaryFiles.root.path, isDirectory: &isFolder))
        #expect(isFolder.boolValue)
    }

    @Test func foldersOfEndedProcessesAreRemovedAndRunningOnesKept() throws {
        let parent = TemporaryFiles.unique("sweep")
        // No process has this id (above any pid_max), so its folder is a crashed run's.
        let ended = parent.appendingPathComponent("atsbridge-tests-\(Int32.max)-abcdefgh")
        let running = parent.appendingPathComponent("atsbridge-tests-\(getpid())-abcdefgh")
        let other = parent.appendingPathComponent("atsbridge-other-\(Int32.max)")
        for folder in [ended, running, other] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(
                atPath: folder.appendingPathComponent("store.sqlite").path,
                contents: Data()
            )
        }
        TemporaryFiles.removeFoldersOfEndedProcesses(in: parent)
        #expect(!FileManager.default.fileExists(atPath: ended.path))
        #expect(FileManager.default.fileExists(atPath: running.path))
        #expect(FileManager.default.fileExists(atPath: other.path))
    }
}
