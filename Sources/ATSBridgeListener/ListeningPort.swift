package import ATSBridgeCore

/// The port a server listens on, announced once it is bound (or why binding failed); callers
/// may wait for it before. The RPC server, the RECRU sandbox and the metrics endpoint share it.
package typealias ListeningPort = AsyncOneShot<Int>
