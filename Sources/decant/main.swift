import DecantCLI
import Foundation

// The whole program lives in DecantCLI; this only hands it the arguments.
let code = await DecantCLI.main(Array(CommandLine.arguments.dropFirst()))
exit(code)
