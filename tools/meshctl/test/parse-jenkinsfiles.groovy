// Parse-only check of Jenkinsfiles: declarative steps are undefined outside Jenkins, so nothing is resolved.
import org.codehaus.groovy.control.*
def failed = false
args.each { path ->
  def unit = new CompilationUnit(new CompilerConfiguration())
  unit.addSource(new File(path))
  try { unit.compile(Phases.CONVERSION); println "ok ${path}" } catch (e) { failed = true; System.err.println("${path}: ${e.message}") }
}
System.exit(failed ? 1 : 0)
