using Orchestrator.Ml.Data;

namespace Orchestrator.Ml.Tests.Data;

public sealed class LocalDataRootsTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly TempDirectory _outside = new();

    [Fact]
    public void Resolve_PathUnderTheRoot_ReturnsItsCanonicalPath()
    {
        var file = _root.Write("labels/a.csv", [1]);
        var roots = new LocalDataRoots([_root.Path + "/"]);

        roots.Resolve(file).ShouldBe(file);
        roots.Resolve(_root.Path + "//labels/./a.csv").ShouldBe(file);
        roots.Resolve(_root.Path).ShouldBe(_root.Path);
    }

    [Fact]
    public void Resolve_OutsideTheRootsOrASiblingSharingItsPrefix_Refused()
    {
        var roots = new LocalDataRoots([_root.Path]);

        Should.Throw<UnauthorizedAccessException>(() => roots.Resolve("/etc/passwd")).Message.ShouldContain("not under a local data root");
        Should.Throw<UnauthorizedAccessException>(() => roots.Resolve(_root.Path + "-sibling/x"));
        Should.Throw<UnauthorizedAccessException>(() => roots.Resolve("relative/file.csv"));
        Should.Throw<UnauthorizedAccessException>(() => roots.Resolve(_root.Path + "/../" + Path.GetFileName(_outside.Path))).Message.ShouldContain("'..'");
    }

    [Fact]
    public void Resolve_NoRoots_RefusesEverythingNamingTheSetting()
    {
        Should.Throw<UnauthorizedAccessException>(() => LocalDataRoots.None.Resolve(_root.Path)).Message.ShouldContain("Orchestrator:Data:LocalRoots is empty");
    }

    [Fact]
    public void Resolve_LinksInsideTheRoot_FollowedToWhereTheyPoint()
    {
        var secret = _outside.Write("secret.txt", [1]);
        var inside = _root.Write("real/labels.csv", [2]);
        File.CreateSymbolicLink(Path.Combine(_root.Path, "to-secret"), secret);
        File.CreateSymbolicLink(Path.Combine(_root.Path, "to-labels"), "real/labels.csv");
        Directory.CreateSymbolicLink(Path.Combine(_root.Path, "up"), "real/../../" + Path.GetFileName(_outside.Path));
        var roots = new LocalDataRoots([_root.Path]);

        roots.Resolve(Path.Combine(_root.Path, "to-labels")).ShouldBe(inside);
        Should.Throw<UnauthorizedAccessException>(() => roots.Resolve(Path.Combine(_root.Path, "to-secret")));
        Should.Throw<UnauthorizedAccessException>(() => roots.Resolve(Path.Combine(_root.Path, "up", "secret.txt")));
        LocalDataRoots.Canonical(Path.Combine(_root.Path, "up", "secret.txt")).ShouldBe(secret);
    }

    [Fact]
    public void Resolve_RootThatIsALink_ComparedByItsTarget()
    {
        var link = _outside.Path + "-link";
        Directory.CreateSymbolicLink(link, _root.Path);
        try
        {
            var file = _root.Write("a.csv", [1]);

            new LocalDataRoots([link]).Resolve(Path.Combine(link, "a.csv")).ShouldBe(file);
            new LocalDataRoots([link]).Resolve(file).ShouldBe(file);
        }
        finally
        {
            Directory.Delete(link);
        }
    }

    [Fact]
    public void Canonical_LinkLoop_RefusedAfterFortyLinks()
    {
        File.CreateSymbolicLink(Path.Combine(_root.Path, "a"), "b");
        File.CreateSymbolicLink(Path.Combine(_root.Path, "b"), "a");

        Should.Throw<ArgumentException>(() => LocalDataRoots.Canonical(Path.Combine(_root.Path, "a"))).Message.ShouldContain("More than 40");
    }

    public void Dispose()
    {
        _root.Dispose();
        _outside.Dispose();
    }
}
