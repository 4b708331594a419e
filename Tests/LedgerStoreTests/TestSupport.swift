import Foundation
import LedgerStore

/// A payload event in a stream.
func sampleEvent(stream: String = "build-\(UUID().uuidString.lowercased())", type: String = "Sample", n: Int = 0)
    -> NewEvent
{
    NewEvent(stream: stream, type: type, data: #"{"project":"fsdp","n":\#(n)}"#)
}
