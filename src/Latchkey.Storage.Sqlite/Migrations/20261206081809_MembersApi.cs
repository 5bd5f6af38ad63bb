using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Latchkey.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class MembersApi : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "LastLoginAt",
                table: "members",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Nickname",
                table: "members",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Privacy",
                table: "members",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Slug",
                table: "members",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            // The profile's nickname and privacy status become columns the Members API filters on, and its slug a
            // column unique per site (docs/wire/members.md#one-record). Members of an older build carry them in
            // profile_json: they are copied over. A slug is kept when it already is a slug (ASCII letters, digits,
            // '-', '_', '.', lower-cased) and no member of the site with a smaller id holds it; otherwise the member
            // has none until one is set through the Members API.
            migrationBuilder.Sql(
                """
                UPDATE members SET
                    Nickname = json_extract(profile_json, '$.nickname'),
                    Privacy = CASE upper(json_extract(profile_json, '$.privacyStatus')) WHEN 'PUBLIC' THEN 1 WHEN 'PRIVATE' THEN 2 ELSE 0 END
                WHERE json_valid(profile_json);
                UPDATE members SET Slug = lower(trim(json_extract(profile_json, '$.slug')))
                WHERE json_valid(profile_json) AND json_type(profile_json, '$.slug') = 'text'
                    AND length(trim(json_extract(profile_json, '$.slug'))) BETWEEN 1 AND 255
                    AND NOT (lower(trim(json_extract(profile_json, '$.slug'))) GLOB '*[^a-z0-9._-]*');
                UPDATE members SET Slug = NULL
                WHERE Slug IS NOT NULL AND EXISTS (SELECT 1 FROM members o WHERE o.SiteId = members.SiteId AND o.Slug = members.Slug AND o.Id < members.Id);
                """);

            migrationBuilder.CreateIndex(
                name: "IX_members_SiteId_CreatedAt",
                table: "members",
                columns: new[] { "SiteId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_members_SiteId_Slug",
                table: "members",
                columns: new[] { "SiteId", "Slug" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_members_SiteId_CreatedAt",
                table: "members");

            migrationBuilder.DropIndex(
                name: "IX_members_SiteId_Slug",
                table: "members");

            migrationBuilder.DropColumn(
                name: "LastLoginAt",
                table: "members");

            migrationBuilder.DropColumn(
                name: "Nickname",
                table: "members");

            migrationBuilder.DropColumn(
                name: "Privacy",
                table: "members");

            migrationBuilder.DropColumn(
                name: "Slug",
                table: "members");
        }
    }
}
