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

    @Test func oldFoldersOfEndedProcessesAreRemovedAndOthersKept() throws {
        let parent = TemporaryFiles.unique("sweep")
        // No process has this id (above any pid_max), so its folders are crashed runs'.
        let ended = parent.appendingPathComponent("atsbridge-tests-\(Int32.max)-abcdefgh")
        let endedLately = parent.appendingPathComponent("atsbridge-tests-\(Int32.max)-ijklmnop")
        let running = parent.appendingPathComponent("atsbridge-tests-\(getpid())-abcdefgh")
        let other = parent.appendingPathComponent("atsbridge-other-\(Int32.max)")
        let longAgo = Date(timeIntervalSinceNow: -Double(TemporaryFiles.sweepAge.components.seconds) - 60)
        for folder in [ended, endedLately, running, other] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(
                atPath: folder.appendingPathComponent("store.sqlite").path,
                contents: Data()
            )
            if folder != endedLately {
                try FileManager.default.setAttributes([.modificationDate: longAgo], ofItemAtPath: folder.path)
            }
        }
        TemporaryFiles.removeFoldersOfEndedProcesses(in: parent)
        #expect(!FileManager.default.fileExists(atPath: ended.path))
        // Changed lately: perhaps a live run in another PID namespace.
        #expect(FileManager.default.fileExists(atPath: endedLately.path))
        #expect(FileManager.default.fileExists(atPath: running.path))
        #expect(FileManager.default.fileExists(atPath: other.path))
    }
}
